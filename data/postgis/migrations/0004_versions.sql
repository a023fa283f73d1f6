-- 0004: the dataset's history, for `layoutmap versions` and `rollback`
-- (issue 13). Every import and rollback adds one row, keyed by the serving
-- version it produced (dataset_meta.version), with who (the database
-- role), what (files, counts, a diff summary against the previous dataset)
-- and, for the newest N rows, a snapshot of the whole dataset: a zip of the
-- bundled format (data.EncodeDataset) that data.LoadDataset reads back.
-- Older rows keep their history and lose the snapshot (NULL).

CREATE TABLE layoutmap.dataset_versions (
    version    bigint PRIMARY KEY CHECK (version > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    role       text NOT NULL DEFAULT current_user,
    kind       text NOT NULL CHECK (kind IN ('import', 'rollback')),
    note       text NOT NULL DEFAULT '',
    files      text[] NOT NULL DEFAULT '{}',
    counts     jsonb NOT NULL DEFAULT '{}',
    diff       text NOT NULL DEFAULT '',
    snapshot   bytea
);
