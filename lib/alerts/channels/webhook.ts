/** Generic JSON webhooks: the payload as is, signed with Standard Webhooks headers. */
import type { AlertPayload } from '../payload';
import { signWebhook } from '../signature';

export function renderWebhookRequest(
  payload: AlertPayload,
  message: { id: string; timestamp: number; secret: string },
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': message.id,
      'webhook-timestamp': String(message.timestamp),
      'webhook-signature': signWebhook({ ...message, body }),
    },
  };
}
