import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, Authenticated, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs } from '../../core/pagination/connection';
import { DeletePayload } from '../organization/organization.types';
import { CreateWebhookEndpointInput, DeleteWebhookEndpointInput, RedeliverWebhookInput, UpdateWebhookEndpointInput } from './dto/webhook-endpoint.input';
import { WebhookEndpointEntity, WebhookEvent, endpointEvents } from './webhook-endpoint.entity';
import { WebhookDeliveryConnection, WebhookDeliveryPayload, WebhookEndpointConnection, WebhookEndpointPayload } from './webhook.types';

@Resolver(() => WebhookEndpointEntity)
export class WebhookResolver {
  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'organizationId')
  @Query(() => WebhookEndpointConnection, { description: "An organization's webhook endpoints (its ADMINs)." })
  organizationWebhookEndpoints(
    @Ctx() ctx: RequestContext,
    @Arg('organizationId', () => ID, { description: 'The organization.' }) organizationId: string,
    @Args() page: ConnectionArgs,
  ) {
    return ctx.services.webhooks.listForOrganization(ctx, organizationId, page);
  }

  @Authenticated()
  @Query(() => WebhookEndpointConnection, { description: "The caller's own webhook endpoints (events of their personal tokens)." })
  viewerWebhookEndpoints(@Ctx() ctx: RequestContext, @Args() page: ConnectionArgs) {
    return ctx.services.webhooks.listOwn(ctx, page);
  }

  @RequireRole(Role.ADMIN, AccessTarget.RESOURCE_OR_SELF, 'input')
  @Mutation(() => WebhookEndpointPayload, { description: "Registers a webhook endpoint: for an organization (its ADMINs) or, without organizationId, for the caller's personal tokens. The signing secret is in `secret`, shown only then." })
  createWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('input', () => CreateWebhookEndpointInput, { description: 'The endpoint.' }) input: CreateWebhookEndpointInput): Promise<WebhookEndpointPayload> {
    return ctx.services.webhooks.create(ctx, input);
  }

  @RequireRole(Role.ADMIN, AccessTarget.WEBHOOK_ENDPOINT, 'input.id')
  @Mutation(() => WebhookEndpointPayload, { description: "Changes a webhook endpoint's URL, events, description or whether it is enabled (organization ADMINs; a personal endpoint's user). The secret stays." })
  async updateWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateWebhookEndpointInput, { description: 'The changes.' }) input: UpdateWebhookEndpointInput): Promise<WebhookEndpointPayload> {
    return { webhookEndpoint: await ctx.services.webhooks.update(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.WEBHOOK_ENDPOINT, 'input.id')
  @Mutation(() => DeletePayload, { description: 'Deletes a webhook endpoint and its delivery log (organization ADMINs; a personal endpoint\'s user).' })
  async deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('input', () => DeleteWebhookEndpointInput, { description: 'The endpoint.' }) input: DeleteWebhookEndpointInput): Promise<DeletePayload> {
    await ctx.services.webhooks.delete(ctx, input.id);
    return { deletedId: input.id };
  }

  @RequireRole(Role.ADMIN, AccessTarget.WEBHOOK_ENDPOINT, 'input.endpointId')
  @Mutation(() => WebhookDeliveryPayload, { description: 'Sends a delivery again, from a fresh retry schedule (organization ADMINs; a personal endpoint\'s user).' })
  async redeliverWebhook(@Ctx() ctx: RequestContext, @Arg('input', () => RedeliverWebhookInput, { description: 'The delivery.' }) input: RedeliverWebhookInput): Promise<WebhookDeliveryPayload> {
    return { webhookDelivery: await ctx.services.webhooks.redeliver(ctx, input.endpointId, input.deliveryId) };
  }

  @FieldResolver(() => [WebhookEvent], { description: 'The events it receives.' })
  events(@Root() endpoint: WebhookEndpointEntity): WebhookEvent[] {
    return endpointEvents(endpoint);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its delivery log, newest first: what was sent, and the outcome of the last attempt.' })
  deliveries(@Ctx() ctx: RequestContext, @Root() endpoint: WebhookEndpointEntity, @Args() page: ConnectionArgs) {
    return ctx.services.webhooks.deliveries(ctx, endpoint.id, page);
  }
}
