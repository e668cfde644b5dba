// The first import of server.ts: OpenTelemetry must patch http, undici and pg before they load.
// Off unless the OTEL_ variables ask for it (see @redheart/shared tracing.ts).
import { startTracing } from '@redheart/shared/dist/tracing';

startTracing('redheart-notify');
