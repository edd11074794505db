import { sameSecret } from '../../runtime/secrets.ts'

/** Whether the request carries `Authorization: Bearer <barToken>`, compared in constant time. */
export function isBar(authorization: string | undefined, barToken: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  return match?.[1] !== undefined && sameSecret(match[1], barToken)
}
