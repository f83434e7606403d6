-- Traces across the outbox hop: the W3C traceparent of the request that wrote an event, so that the instance
-- that relays it and every instance that sends it on an SSE stream continue that request's trace
-- (lib/tracing/). Null when tracing is off or the writer had no trace. Nullable with no default: adding it
-- rewrites nothing, and the hot-path INSERT stays one INSERT.
alter table outbox add column traceparent text;
-- A webhook delivery keeps its event's, so that each attempt's request carries the trace on (traceparent out).
alter table webhook_deliveries add column traceparent text;
