import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export interface ScratchDatabase {
  url: string
  drop(): Promise<void>
}

/** A new, empty database on the server of `serverUrl`, for one test or benchmark run. */
export async function createScratchDatabase(serverUrl: string, prefix = 'drinks_scratch'): Promise<ScratchDatabase> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  // An identifier cannot be a parameter; `name` is ours, letters, digits and underscores only.
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
