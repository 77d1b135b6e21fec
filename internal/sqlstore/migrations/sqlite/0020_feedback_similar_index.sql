-- A new piece of feedback is compared with the newest segmented feedback of
-- its service: feedback keeps its ticket's service (a ticket keeps its
-- service), and an index walks it newest first. The open feedback of a
-- group is counted when a new piece joins it.
ALTER TABLE feedback ADD COLUMN service_id INTEGER REFERENCES services (id);
UPDATE feedback SET service_id = (SELECT service_id FROM tickets WHERE tickets.id = feedback.ticket_id);
CREATE INDEX feedback_segmented ON feedback (service_id, ticket_id) WHERE terms IS NOT NULL;
CREATE INDEX feedback_similar ON feedback (similar_to) WHERE similar_to IS NOT NULL;
