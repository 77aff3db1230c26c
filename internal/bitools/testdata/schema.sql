-- The schema every replay query runs against, on nqdb and on PostgreSQL 15
-- alike: two schemas, tables with several column types, primary keys, a
-- UNIQUE constraint, foreign keys within and across schemas, a CHECK,
-- secondary indexes (one multi-column), views in both schemas, a sequence,
-- an enum, a domain, comments on tables and columns (comments.sql).
CREATE SCHEMA sales;
CREATE TYPE sales.order_status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN positive_qty AS integer CHECK (VALUE > 0);

CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(120) NOT NULL UNIQUE,
    full_name text NOT NULL,
    signed_up date DEFAULT CURRENT_DATE,
    vip boolean NOT NULL DEFAULT false,
    balance numeric(12,2) DEFAULT 0
);

CREATE TABLE products (
    sku char(8) PRIMARY KEY,
    title text NOT NULL,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    weight_kg real,
    tags text[],
    attrs jsonb,
    added_at timestamp with time zone
);
CREATE INDEX products_title_idx ON products (title);

CREATE SEQUENCE sales.invoice_no START 1000 INCREMENT 10;

CREATE TABLE sales.orders (
    order_id bigint PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    placed_at timestamp NOT NULL,
    status sales.order_status NOT NULL DEFAULT 'new',
    total numeric(12,2),
    note text,
    ref uuid
);
CREATE INDEX orders_customer_placed_idx ON sales.orders (customer_id, placed_at);

CREATE TABLE sales.order_lines (
    order_id bigint NOT NULL REFERENCES sales.orders (order_id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    sku char(8) NOT NULL REFERENCES products (sku),
    qty positive_qty NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_sku_idx ON sales.order_lines (sku);

CREATE VIEW vip_customers AS
    SELECT id, email, full_name FROM customers WHERE vip;
CREATE VIEW sales.order_totals AS
    SELECT o.order_id, o.customer_id, sum(l.qty * l.unit_price) AS amount
    FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.order_id
    GROUP BY o.order_id, o.customer_id;

INSERT INTO customers (email, full_name, vip) VALUES
    ('ann@example.com', 'Ann Lee', true), ('bob@example.com', 'Bob Stone', false);
INSERT INTO products VALUES
    ('SKU00001', 'Kettle', 24.50, 1.2, '{kitchen}', '{"color": "red"}', '2024-01-02 10:00:00+00'),
    ('SKU00002', 'Mug', 6.00, 0.3, '{kitchen,gift}', NULL, NULL);
INSERT INTO sales.orders VALUES
    (1, 1, '2024-02-01 09:30:00', 'paid', 30.50, NULL, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
INSERT INTO sales.order_lines VALUES (1, 1, 'SKU00001', 1, 24.50), (1, 2, 'SKU00002', 1, 6.00);
