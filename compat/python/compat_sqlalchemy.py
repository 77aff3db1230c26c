"""The SQLAlchemy 1.4 (psycopg2) client program of `make compat`.

Usage: compat_sqlalchemy.py host port prefix

Reflection through inspect() and an ORM round trip, printed as normalised
text for the runner to compare between PostgreSQL and nqdb.
"""
import datetime
import decimal
import sys

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

HOST, PORT, PREFIX = sys.argv[1:4]
URL = "postgresql+psycopg2://postgres@%s:%s/postgres" % (HOST, PORT)


def err_text(e):
    orig = getattr(e, "orig", None)
    if orig is not None and getattr(orig, "pgcode", None):
        d = orig.diag
        return "ERROR %s: %s detail=%r" % (orig.pgcode, d.message_primary, d.message_detail or "")
    return "client error: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")


def check_connect(engine):
    with engine.connect() as c:
        print(c.execute(sa.text("SELECT 1 AS one, 'x'::text AS t")).all())
    # The dialect's own start-up probes (server version, standard_conforming_strings, ...).
    print("dialect", engine.dialect.name, engine.dialect.driver, engine.dialect.default_schema_name,
          engine.dialect.supports_native_boolean)


def check_metadata(engine):
    t = PREFIX + "meta"
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE IF EXISTS %s" % t))
        c.execute(sa.text("CREATE TABLE %s (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), "
                          "at timestamptz, tags text[], n serial, u uuid UNIQUE)" % t))
        c.execute(sa.text("CREATE INDEX %s_price ON %s (price, at)" % (t, t)))
    insp = sa.inspect(engine)
    steps = [
        ("has_table", lambda: insp.has_table(t)),
        ("table_names", lambda: sorted(n for n in insp.get_table_names() if n.startswith(PREFIX))),
        ("columns", lambda: [(col["name"], repr(col["type"]), col["nullable"], col["default"], col.get("autoincrement"))
                             for col in insp.get_columns(t)]),
        ("pk", lambda: insp.get_pk_constraint(t)),
        ("foreign_keys", lambda: insp.get_foreign_keys(t)),
        ("indexes", lambda: sorted(insp.get_indexes(t), key=lambda i: i["name"])),
        ("unique_constraints", lambda: insp.get_unique_constraints(t)),
        ("check_constraints", lambda: insp.get_check_constraints(t)),
        ("view_names", lambda: [v for v in insp.get_view_names() if v.startswith(PREFIX)]),
        ("schema_names", lambda: [s for s in insp.get_schema_names() if not s.startswith("pg_")]),
    ]
    for name, fn in steps:
        try:
            print(name, fn())
        except Exception as e:  # noqa: BLE001
            print(name, err_text(e))
    try:
        md = sa.MetaData()
        tbl = sa.Table(t, md, autoload_with=engine)
        print("autoload", [(col.name, repr(col.type), col.primary_key) for col in tbl.columns])
    except Exception as e:  # noqa: BLE001
        print("autoload", err_text(e))


Base = orm.declarative_base()


class Item(Base):
    __tablename__ = PREFIX + "item"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False, unique=True)
    price = sa.Column(sa.Numeric(10, 2))
    created = sa.Column(sa.DateTime(timezone=True))
    day = sa.Column(sa.Date)
    active = sa.Column(sa.Boolean, default=True)
    data = sa.Column(postgresql.JSONB)
    tags = sa.Column(postgresql.ARRAY(sa.Text))
    blob = sa.Column(sa.LargeBinary)


def check_orm(engine):
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE IF EXISTS %s" % Item.__tablename__))
    try:
        Base.metadata.create_all(engine)
        print("create_all ok")
    except Exception as e:  # noqa: BLE001
        print("create_all", err_text(e))
        return
    Session = orm.sessionmaker(bind=engine)
    utc = datetime.timezone.utc
    with Session() as s:
        s.add_all([Item(name="a", price=decimal.Decimal("1.25"), created=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc),
                        day=datetime.date(2024, 1, 2), data={"k": [1, 2]}, tags=["x", "y"], blob=b"\x00\x01"),
                   Item(name="b", price=None, active=False)])
        s.commit()
        print("ids", [i.id for i in s.query(Item).order_by(Item.id)])
    with Session() as s:
        for i in s.query(Item).order_by(Item.name):
            print("row", i.id, i.name, repr(i.price), repr(i.created), repr(i.day), i.active, i.data, i.tags,
                  None if i.blob is None else bytes(i.blob).hex())
        a = s.query(Item).filter_by(name="a").one()
        a.price = decimal.Decimal("9.99")
        a.tags = a.tags + ["z"]
        s.commit()
        print("updated", repr(s.query(Item.price).filter(Item.name == "a").scalar()))
        s.add(Item(name="a"))
        try:
            s.commit()
        except Exception as e:  # noqa: BLE001
            print("duplicate", err_text(e))
            s.rollback()
        s.delete(s.query(Item).filter_by(name="b").one())
        s.commit()
        print("count", s.query(sa.func.count(Item.id)).scalar())
        print("filter", [i.name for i in s.query(Item).filter(Item.price > 5, Item.tags.contains(["z"]))])


def main():
    engine = sa.create_engine(URL, future=True)
    for name, fn in [("connect", check_connect), ("metadata", check_metadata), ("orm", check_orm)]:
        print("### " + name, flush=True)
        try:
            fn(engine)
        except Exception as e:  # noqa: BLE001
            print("check aborted:", err_text(e))
        sys.stdout.flush()
    engine.dispose()


if __name__ == "__main__":
    main()
