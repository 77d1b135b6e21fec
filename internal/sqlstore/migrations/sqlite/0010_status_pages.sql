-- Public status pages: a group of services shown to anyone with the page's
-- address, /status/<slug>, in the order of their position.
CREATE TABLE status_pages (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE status_page_services (
    page_id    INTEGER NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (page_id, service_id)
);
CREATE INDEX status_page_services_service ON status_page_services (service_id);
