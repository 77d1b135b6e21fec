-- The scorecard counts alerts by when they were first seen, and the console
-- lists deliveries by status (the failed ones), newest first.
CREATE INDEX alerts_first_seen ON alerts (service_id, first_seen_at);
CREATE INDEX deliveries_status ON deliveries (status, id);
