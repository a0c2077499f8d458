-- Transactional outbox: messages a transaction sends are rows written in that same transaction; the relay
-- (OutboxRelay) publishes them with publisher confirms and deletes them. job_id keeps one job's messages in order;
-- broker (host and vhost of the destination) is which relays may send the row: those whose bus is on that broker.
CREATE TABLE jobmonitor.outbox_messages (
    sequence_number  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    broker           text NOT NULL,
    job_id           uuid NULL,
    message_id       uuid NOT NULL,
    destination      text NOT NULL,
    message_type     text NOT NULL,
    content_type     text NOT NULL,
    body             text NOT NULL,
    headers          text NULL,
    properties       text NULL,
    conversation_id  uuid NULL,
    correlation_id   uuid NULL,
    initiator_id     uuid NULL,
    request_id       uuid NULL,
    source_address   text NULL,
    response_address text NULL,
    fault_address    text NULL,
    sent_time        timestamptz NOT NULL,
    expiration_time  timestamptz NULL,
    -- A row the broker refused or did not confirm waits, with back-off, before it is tried again; meanwhile its job's
    -- later rows wait behind it and every other job's go on.
    attempts         integer NOT NULL DEFAULT 0,
    not_before       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outbox_messages_broker_idx ON jobmonitor.outbox_messages (broker, sequence_number);
CREATE INDEX outbox_messages_job_idx ON jobmonitor.outbox_messages (job_id, sequence_number) WHERE job_id IS NOT NULL;

-- Inbox: one row per (consumer, message id) applied, written in the consumer's transaction; a redelivery of a
-- message already applied finds its row and is acknowledged without effect. Swept after Outbox:InboxRetention.
CREATE TABLE jobmonitor.inbox_messages (
    consumer_id  uuid NOT NULL,
    message_id   uuid NOT NULL,
    consumed_at  timestamptz NOT NULL,
    PRIMARY KEY (consumer_id, message_id)
);

CREATE INDEX inbox_messages_consumed_at_idx ON jobmonitor.inbox_messages (consumed_at);
