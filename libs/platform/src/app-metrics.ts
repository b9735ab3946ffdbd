import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** Every metric name starts with it, the default process metrics too: `msr_process_cpu_seconds_total`. */
export const METRICS_PREFIX = 'msr_';

type Unregistered<C> = Omit<C, 'registers'>;

/**
 * One app's Prometheus metrics, served on its `/metrics`. Each app has its own registry, not prom-client's global
 * one, so several apps in one process (the in-process API tests) never clash over a name. Names are given
 * without the prefix. A gauge read from elsewhere (a projection, a queue) is a `gauge` with a `collect`
 * callback, which runs at each scrape.
 */
export class AppMetrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
  }

  counter<L extends string>(config: Unregistered<CounterConfiguration<L>>): Counter<L> {
    return new Counter({ ...config, name: METRICS_PREFIX + config.name, registers: [this.registry] });
  }

  gauge<L extends string>(config: Unregistered<GaugeConfiguration<L>>): Gauge<L> {
    return new Gauge({ ...config, name: METRICS_PREFIX + config.name, registers: [this.registry] });
  }

  histogram<L extends string>(config: Unregistered<HistogramConfiguration<L>>): Histogram<L> {
    return new Histogram({ ...config, name: METRICS_PREFIX + config.name, registers: [this.registry] });
  }

  /** The Prometheus text exposition of every metric registered. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
