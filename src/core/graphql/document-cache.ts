import { DocumentStore } from '@apollo/server';
import { DocumentNode } from 'graphql';

/**
 * Apollo's store of parsed and validated documents, bounded by entry count and by the total length
 * of their query texts. Apollo's default bounds a JSON size estimate that leaves out each document's
 * tokens and source (about a fifth of what it holds). A parsed document holds about 70 bytes of
 * heap per character of its text (measured: 19 KB for a 277-character query, 510 KB for an
 * 8,000-character one), so the character budget is what keeps large documents from multiplying the
 * entry bound. Least recently used documents go first.
 */
export class DocumentCache implements DocumentStore {
  private readonly entries = new Map<string, { document: DocumentNode; characters: number }>();
  private totalCharacters = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxCharacters: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get characters(): number {
    return this.totalCharacters;
  }

  async get(key: string): Promise<DocumentNode | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // A Map iterates in insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.document;
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    await this.delete(key);
    const characters = document.loc?.source.body.length ?? 0;
    if (characters > this.maxCharacters) return;
    this.entries.set(key, { document, characters });
    this.totalCharacters += characters;
    while (this.entries.size > this.maxEntries || this.totalCharacters > this.maxCharacters) {
      await this.delete(this.entries.keys().next().value!);
    }
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalCharacters -= entry.characters;
    return true;
  }
}
