-- The terms of each piece of feedback (its words, cut by the segmenter soon
-- after it is submitted; NULL until then), and the open feedback it was
-- found to resemble then.
ALTER TABLE feedback ADD COLUMN terms TEXT;
ALTER TABLE feedback ADD COLUMN similar_to INTEGER REFERENCES tickets (id);
CREATE INDEX feedback_unsegmented ON feedback (ticket_id) WHERE terms IS NULL;
