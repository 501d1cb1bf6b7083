import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceSettings } from '../../config/schema.js';

export interface TraceExport {
  tracer: Tracer;
  /** Sends the spans still queued and stops (shutdown). */
  close(): Promise<void>;
}

/**
 * The tracer behind request traces on Node: spans sampled by the config's
 * ratio (a caller's `traceparent` decides for its own trace), batched and
 * sent over OTLP/HTTP as JSON to the configured collector, or to `exporter`
 * when one is given (tests: an in-memory exporter). Export failures are the
 * SDK's to log and drop; a request never waits for an export.
 */
export function startTraceExport(settings: TraceSettings, exporter?: SpanExporter): TraceExport {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: settings.endpoint, headers: settings.headers }), { scheduledDelayMillis: 1000 })],
  });
  return {
    tracer: provider.getTracer('switchboard'),
    close: () => provider.shutdown(),
  };
}
