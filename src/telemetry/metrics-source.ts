/**
 * Where `/metrics` reads its text: the platform's metrics registry (on Node,
 * platform/node/metrics.ts). The core only serves and guards the route, so
 * the metrics library stays out of platforms that have none (Workers).
 */
export interface MetricsSource {
  /** The exposition format's content type (Prometheus text 0.0.4). */
  contentType: string;
  /** Every series as it is now; collectors that read state at scrape time run here. */
  scrape(): Promise<string>;
}
