-- Comments on the schema's objects, applied after schema.sql. A file of its
-- own because nqdb does not run COMMENT ON yet: the test applies it to both
-- servers and lists it in expected-failures.txt while nqdb rejects it.
COMMENT ON TABLE customers IS 'People who buy things';
COMMENT ON COLUMN customers.email IS 'Login and contact address';
COMMENT ON TABLE sales.orders IS 'One row per checkout';
COMMENT ON COLUMN sales.orders.status IS 'new, paid or shipped';
COMMENT ON VIEW sales.order_totals IS 'Order amounts from their lines';
