/**
 * OpenTelemetry tracing, OFF unless the standard variables ask for it: `OTEL_TRACES_EXPORTER=otlp`
 * or `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set (and
 * `OTEL_TRACES_EXPORTER` not `none`, `OTEL_SDK_DISABLED` not `true`). Spans go over OTLP/HTTP
 * (JSON-protobuf as the exporter sends it) to the endpoint; `OTEL_SERVICE_NAME` names the process
 * (default: the name given here).
 *
 * Must run before anything loads `http`, `pg` or `undici`: each service's `src/tracing.ts` calls
 * startTracing and is the FIRST import of its server.ts (this file requires nothing at load time). Instrumented: node:http (server spans of every request,
 * W3C `traceparent` read from the gateway), undici (the gateway's proxy calls and fetch, which carry
 * `traceparent` on), pg (one span per query). Fastify's route pattern names the server span
 * (`GET /api/org/units/:id`) through a hook in metricsPlugin.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER;
  if (exporter === 'none') return false;
  return exporter === 'otlp' || !!env.OTEL_EXPORTER_OTLP_ENDPOINT || !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
}

let started = false;
let shutdown: (() => Promise<void>) | undefined;

/** Flushes and stops the tracer (serveUntilSignal calls it before exiting); a no-op when off. */
export async function stopTracing(): Promise<void> {
  await shutdown?.().catch(() => undefined);
}

/** Starts the tracer provider and the instrumentations when tracingEnabled(); returns whether it did. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (started || !tracingEnabled(env)) return started;
  started = true;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register(); // W3C trace context propagator + async-hooks context manager
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/metrics') }),
      new UndiciInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  shutdown = () => provider.shutdown();
  process.once('beforeExit', () => void stopTracing());
  return true;
}
