import { ApolloServerPlugin } from '@apollo/server';
import { RequestContext } from '../context/request-context';
import { isExpectedError } from '../errors/format-error';
import { describeError, logger } from '../logging/logger';
import { TesseraMetrics } from './metrics';
import { noteOutcome, recordOf } from './request-record';

/**
 * Names the operation on the request's record once the document validated, logs unexpected errors
 * with the request id, puts that id on the masked error the client sees, and counts error codes;
 * the first code is the request's outcome.
 */
export const graphqlObservation = (metrics: TesseraMetrics): ApolloServerPlugin<RequestContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation }) {
        const record = recordOf(contextValue);
        if (record && operation) record.operation = { name: operation.name?.value ?? null, type: operation.operation };
      },
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (!isExpectedError(error)) {
            logger.error({ requestId: contextValue.requestId, path: error.path, error: error.originalError ? describeError(error.originalError) : error.message }, 'unexpected error');
          }
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          const code = String(error.extensions?.code ?? 'UNKNOWN');
          metrics.graphqlErrors.inc({ code });
          noteOutcome(contextValue, code);
          if (code === 'INTERNAL_SERVER_ERROR') (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
});
