-- The RabbitMQ priority of the messages a transaction wrote for a job (the highest of them): the relay sends the rows
-- of RUN traffic first, so a burst of other jobs' messages in the outbox does not hold a RUN back.
ALTER TABLE jobmonitor.outbox_messages ADD COLUMN priority smallint NOT NULL DEFAULT 0;

CREATE INDEX outbox_messages_priority_idx ON jobmonitor.outbox_messages (broker, priority DESC, sequence_number);
