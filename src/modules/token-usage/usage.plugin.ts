import { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { RequestContext } from '../../core/context/request-context';
import { TokenUsageOutcome } from './token-usage.entity';
import { UsageRecorder } from './usage.recorder';

/** Records every GraphQL request made with an access token: operation, client address, outcome. */
export function tokenUsagePlugin(recorder: UsageRecorder): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, response }) {
          const tokenId = contextValue.caller?.accessTokenId;
          if (!tokenId) return;
          const fields = operation?.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : [])) ?? [];
          const failed = response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length);
          recorder.record({
            tokenId,
            operation: `${operation?.operation ?? 'invalid'} ${fields.join(',') || '-'}`,
            clientAddress: contextValue.clientAddress,
            outcome: failed ? TokenUsageOutcome.ERROR : TokenUsageOutcome.SUCCESS,
          });
        },
      };
    },
  };
}
