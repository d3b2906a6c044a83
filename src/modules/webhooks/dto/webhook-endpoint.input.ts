import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsDescription } from '../../../core/validation/text';
import { WEBHOOK_URL_LENGTH, WebhookEvent } from '../webhook-endpoint.entity';

@InputType({ description: 'A webhook endpoint to register.' })
export class CreateWebhookEndpointInput {
  @Field(() => ID, { nullable: true, description: "The organization whose tokens' events it receives (its ADMINs register it); omit for an endpoint of your own personal tokens." })
  organizationId?: string;

  @Field({ description: 'Where events are POSTed: http(s), no credentials or fragment; loopback, link-local and private addresses are refused.' })
  @MaxLength(WEBHOOK_URL_LENGTH)
  url: string;

  @Field(() => [WebhookEvent], { description: 'The events to receive (at least one).' })
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.keys(WebhookEvent).length)
  events: WebhookEvent[];

  @Field({ nullable: true, description: 'What the endpoint is for (up to 500 characters).' })
  @IsOptional()
  @IsDescription()
  description?: string;
}

@InputType({ description: 'Changes to a webhook endpoint; omitted fields stay as they are.' })
export class UpdateWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint.' })
  id: string;

  @Field({ nullable: true, description: 'A new URL (checked as at registration).' })
  @IsOptional()
  @MaxLength(WEBHOOK_URL_LENGTH)
  url?: string;

  @Field(() => [WebhookEvent], { nullable: true, description: 'The events to receive from now on (at least one).' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.keys(WebhookEvent).length)
  events?: WebhookEvent[];

  @Field({ nullable: true, description: 'A new description.' })
  @IsOptional()
  @IsDescription()
  description?: string;

  @Field({ nullable: true, description: 'false stops new events for it (pending deliveries then fail); true resumes.' })
  @IsOptional()
  enabled?: boolean;
}

@InputType({ description: 'The webhook endpoint to delete.' })
export class DeleteWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint; its delivery log goes with it.' })
  id: string;
}

@InputType({ description: 'A delivery to send again.' })
export class RedeliverWebhookInput {
  @Field(() => ID, { description: 'The endpoint the delivery belongs to.' })
  endpointId: string;

  @Field(() => ID, { description: 'The delivery.' })
  deliveryId: string;
}
