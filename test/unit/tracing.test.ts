import { ConfigError } from '../../src/core/config/config';
import { startTracing, tracingRequested } from '../../src/core/observability/tracing';

describe('when tracing starts', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'tessera' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' }, true],
  ])('%j: %s', (env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,zipkin' }, 'OTEL_TRACES_EXPORTER'],
    [{ TESSERA_TRACE_GRAPHQL_FIELDS: 'yes' }, 'TESSERA_TRACE_GRAPHQL_FIELDS'],
  ])('refuses %j before starting anything, naming %s', (env, variable) => {
    const start = () => startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', ...env });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(new RegExp(`^${variable}:`));
  });
});
