import { ApolloServerPlugin } from '@apollo/server';
import { Kind, OperationDefinitionNode } from 'graphql';
import { RequestContext } from '../../core/context/request-context';
import { TokenUsageOutcome } from './token-usage.entity';
import { UsageRecorder } from './usage.recorder';

/** `query viewer` or `mutation createGroup,addMembership`: the operation type and its root fields. */
function operationLabel(operation: OperationDefinitionNode | undefined): string {
  const fields = operation?.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : [])) ?? [];
  return `${operation?.operation ?? 'invalid'} ${fields.join(',') || '-'}`;
}

/** Records every GraphQL request made with an access token: operation, client address, outcome. */
export function tokenUsagePlugin(recorder: UsageRecorder): ApolloServerPlugin<RequestContext> {
  const labels = new WeakMap<OperationDefinitionNode, string>();
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, response }) {
          const tokenId = contextValue.caller?.accessTokenId;
          if (!tokenId) return;
          let label = operation ? labels.get(operation) : undefined;
          if (label === undefined) {
            label = operationLabel(operation);
            if (operation) labels.set(operation, label);
          }
          const failed = response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length);
          recorder.record({
            tokenId,
            operation: label,
            clientAddress: contextValue.clientAddress,
            outcome: failed ? TokenUsageOutcome.ERROR : TokenUsageOutcome.SUCCESS,
          });
        },
      };
    },
  };
}
