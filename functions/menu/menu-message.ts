import type { Sql, TransactionSql } from 'postgres'
import { type Message, topics } from '../../contract/index.ts'
import { loadMenu } from '../shared/menu.ts'

/** The retained `public/menu`: the menu as it is in `db` now. */
export async function menuMessage(db: Sql | TransactionSql): Promise<Message> {
  return { topic: topics.publicMenu, payload: JSON.stringify(await loadMenu(db)), qos: 1, retain: true }
}
