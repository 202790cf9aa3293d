-- Social reporting (sosiaalinen raportointi): workers' structured
-- observations of local phenomena. No client identities: a count only.
CREATE TABLE reporting.observations (
    observation_id     text PRIMARY KEY,
    org_id             text NOT NULL,
    person_id          text NOT NULL,
    theme              text NOT NULL,
    area               text NOT NULL,
    period_start       date NOT NULL,
    period_end         date NOT NULL CHECK (period_end >= period_start),
    description        text NOT NULL,
    clients_concerned  integer NOT NULL CHECK (clients_concerned >= 0),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX observations_theme_area ON reporting.observations (theme, area, period_start);
GRANT SELECT, INSERT ON reporting.observations TO reporting;
