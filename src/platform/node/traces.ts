import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import type { TraceSettings } from '../../config/schema.js';
import { failureLog } from '../../runtime/failure-log.js';
import type { Runtime } from '../../runtime/runtime.js';

/** How long one export may take: a collector that does not answer delays only the shutdown's last flush, by this much at most. */
const EXPORT_TIMEOUT_MS = 5000;

export interface TraceExport {
  tracer: Tracer;
  /** Sends the spans still queued and stops (shutdown); never rejects. */
  close(): Promise<void>;
}

/**
 * The tracer behind request traces on Node: spans sampled by the config's
 * ratio (a caller's `traceparent` decides for its own trace), batched and
 * sent over OTLP/HTTP as JSON to the configured collector, or to `exporter`
 * when one is given (tests: an in-memory exporter). A failed export drops
 * its spans and is logged (once, then once a minute while it lasts); a
 * request never waits for an export.
 */
export function startTraceExport(settings: TraceSettings, log: Runtime['log'], now: () => number, exporter?: SpanExporter): TraceExport {
  const target = exporter ?? new OTLPTraceExporter({ url: settings.endpoint, headers: settings.headers, timeoutMillis: EXPORT_TIMEOUT_MS });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(loggingFailures(target, failureLog(`exporting traces to ${settings.endpoint}`, (m) => log(m, 'warn'), now)), { scheduledDelayMillis: 1000, exportTimeoutMillis: EXPORT_TIMEOUT_MS })],
  });
  return {
    tracer: provider.getTracer('switchboard'),
    // A last export that fails is logged like any other; stopping goes on.
    close: () => provider.shutdown().catch(() => {}),
  };
}

/** The exporter, its failures told to the log. */
function loggingFailures(exporter: SpanExporter, failures: ReturnType<typeof failureLog>): SpanExporter {
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) failures.succeeded();
        else failures.failed(result.error ?? 'the collector refused the spans');
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
