-- A status page lists the incidents of its services resolved over the last
-- days, the most recently resolved first (res_met_at: when the resolution
-- clock was met, NULL again if the incident is reopened).
CREATE INDEX tickets_incidents_resolved ON tickets (service_id, res_met_at) WHERE type = 'incident';
