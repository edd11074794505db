/** The scan at the end of the suite: no token and no note reached any log line it kept. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** In a note of an order a test places, so the scan knows one note for certain. */
export const NOTE_CANARY = 'note-canary-7f3a'

/** Notes the test files place (`note: '…'`): those long enough not to match ordinary words by chance. */
export function notesInTests(root: string, folders: string[]): string[] {
  const notes = new Set<string>([NOTE_CANARY])
  for (const folder of folders) {
    for (const file of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (!/\.test\.tsx?$/.test(file)) continue
      const text = readFileSync(join(root, folder, file), 'utf8')
      for (const [, note = ''] of text.matchAll(/note: '([^'\\]{6,})'/g)) notes.add(note.trim())
    }
  }
  return [...notes]
}

/** Each kept line that holds one of `secrets`, with the secret it holds. */
export function findSecrets(dir: string, secrets: string[]): { file: string; line: string; secret: string }[] {
  const found: { file: string; line: string; secret: string }[] = []
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const secret = secrets.find((value) => line.includes(value))
      if (secret) found.push({ file, line: line.slice(0, 300), secret })
    }
  }
  return found
}
