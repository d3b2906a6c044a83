import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../core/pagination/connection';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export const WebhookEndpointConnection = Connection(WebhookEndpointEntity, 'WebhookEndpoint', 'A page of webhook endpoints, newest first.');
export const WebhookDeliveryConnection = Connection(WebhookDeliveryEntity, 'WebhookDelivery', 'A page of deliveries of one endpoint, newest first.');

@ObjectType({ description: 'The result of registering or changing a webhook endpoint.' })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpointEntity, { description: 'The endpoint as it is now.' })
  webhookEndpoint: WebhookEndpointEntity;

  @Field(() => String, { nullable: true, description: 'The signing secret, after registering: shown only in this response, copy it now (verify `X-Tessera-Signature` with it). Null otherwise.' })
  secret?: string | null;
}

@ObjectType({ description: 'The result of a redelivery.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDeliveryEntity, { description: 'The delivery, PENDING again and due at once.' })
  webhookDelivery: WebhookDeliveryEntity;
}
