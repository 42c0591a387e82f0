-- The central database of a fleet of kiosks (kiosk/fleet/central.py applies this file once, in one
-- transaction, and records it in schema_migrations). Money is integer cents; times are timestamptz.
-- Kiosks run different versions during an upgrade: later migrations only add, never rename or drop.

CREATE TABLE kiosks (
    kiosk_id   text PRIMARY KEY CHECK (kiosk_id <> ''),
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now()
);

-- One row per order, whichever kiosk sent it first (uid is the kiosk's idempotency key).
CREATE TABLE orders (
    uid         text PRIMARY KEY,
    kiosk_id    text NOT NULL REFERENCES kiosks (kiosk_id),
    number      text NOT NULL,
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    currency    text NOT NULL,
    created_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_kiosk_created_at ON orders (kiosk_id, created_at);

CREATE TABLE order_lines (
    order_uid  text NOT NULL REFERENCES orders (uid),
    line_no    integer NOT NULL CHECK (line_no > 0),
    item_id    text NOT NULL,
    name       text NOT NULL,
    unit_cents integer NOT NULL CHECK (unit_cents >= 0),
    qty        integer NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_uid, line_no)
);
CREATE INDEX order_lines_item_id ON order_lines (item_id);

-- The last heartbeat of each kiosk (replaced by each newer one).
CREATE TABLE heartbeats (
    kiosk_id      text PRIMARY KEY REFERENCES kiosks (kiosk_id),
    at            timestamptz NOT NULL,
    version       text NOT NULL,
    fps           real,
    tracking_ms   real,
    camera        text NOT NULL,
    last_order_at timestamptz,
    backlog       integer NOT NULL CHECK (backlog >= 0)
);

-- Interaction-quality figures of a kiosk's day; the kiosk sends the whole day again each time.
CREATE TABLE quality (
    kiosk_id             text NOT NULL REFERENCES kiosks (kiosk_id),
    day                  date NOT NULL,
    sessions             integer NOT NULL CHECK (sessions >= 0),
    purchases            integer NOT NULL CHECK (purchases >= 0),
    abandoned            integer NOT NULL CHECK (abandoned >= 0),
    abandoned_on         jsonb NOT NULL DEFAULT '{}',  -- screen name -> abandoned sessions
    first_click_median_s real CHECK (first_click_median_s >= 0),
    quick_undos          integer NOT NULL CHECK (quick_undos >= 0),
    dwell_uses           integer NOT NULL CHECK (dwell_uses >= 0),
    hand_lost            integer NOT NULL CHECK (hand_lost >= 0),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, day)
);

-- The central catalog: each edit is a new version; the highest is current.
CREATE TABLE catalog (
    version    integer PRIMARY KEY CHECK (version > 0),
    currency   text NOT NULL,
    items      jsonb NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL
);
