import { TesseraError } from '../errors.js';

/**
 * CLIP's byte-level BPE tokenizer (OpenAI CLIP `simple_tokenizer.py`, Hugging Face
 * `CLIPTokenizer`), driven by a model's own `vocab.json` and `merges.txt`. Output is the
 * text encoder's `input_ids`: BOS, the tokens (truncated so EOS still fits), EOS, then pad ids up
 * to 77 (algorithms.md §3.2: "CLIP BPE tokenizer, 77 tokens with BOS 49406 / EOS 49407").
 *
 * Text clean-up before splitting (OpenAI: `ftfy.fix_text`, `html.unescape` twice, collapse
 * whitespace, strip, lower-case). Implemented here: the parts of ftfy's defaults that change
 * typed prompts (curly quotes → straight, control characters removed, NFC), HTML numeric
 * references and the entities &amp; &lt; &gt; &quot; &apos; &nbsp; (twice, as OpenAI does),
 * whitespace collapse, trim and lower-case. Left out (rare in prompts): ftfy's mojibake repair, ligature and
 * full-width folding, and the other ~2,200 named HTML entities.
 */
export interface ClipTokenizerOptions {
  /** `vocab.json`, parsed: token → id. */
  vocab: Record<string, number>;
  /** `merges.txt` as text: an optional `#version` line, then one "left right" pair per line by rank. */
  merges: string;
  /**
   * Pad id. Default: the EOS id (`<|endoftext|>`, 49407), as the SDXS-512-DreamShaper tokenizer
   * pads (algorithms.md §3.2); SD 2.x / sdxs-512-0.9 tokenizers pad with "!" = 0.
   */
  padId?: number;
  /** Sequence length including BOS and EOS. Default 77. */
  maxLength?: number;
}

export interface ClipTokenizer {
  /** `maxLength` ids: BOS, tokens (truncated), EOS, pad…. */
  encode(text: string): Int32Array;
  /** The BPE tokens of the cleaned text, without BOS/EOS and untruncated, e.g. "cat</w>". */
  tokens(text: string): string[];
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly maxLength: number;
}

const BOS = '<|startoftext|>';
const EOS = '<|endoftext|>';
const END_OF_WORD = '</w>';
/** CLIP keeps the first 49152 − 256 − 2 merges of its file (both reference implementations slice so). */
const MAX_MERGES = 49152 - 256 - 2;
const CACHE_LIMIT = 10_000;

/** The CLIP pre-tokenizer: special tokens, English contractions, letter runs, single digits, other runs. */
const WORD_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

export function createClipTokenizer(options: ClipTokenizerOptions): ClipTokenizer {
  const { vocab, merges, maxLength = 77 } = options;
  checkVocab(vocab);
  const bosId = vocab[BOS], eosId = vocab[EOS];
  const padId = options.padId ?? eosId;
  if (!Number.isInteger(maxLength) || maxLength < 2 || !Number.isInteger(padId) || padId < 0) {
    throw new TesseraError('invalid-input', 'The tokenizer settings are not usable.', { details: { maxLength, padId } });
  }
  const ranks = parseMerges(merges, vocab);
  const cache = new Map<string, string[]>([[BOS, [BOS]], [EOS, [EOS]]]);
  const unkId = eosId; // Hugging Face CLIPTokenizer: unk_token is <|endoftext|>

  const bpeWord = (word: string): string[] => {
    const cached = cache.get(word);
    if (cached) return cached;
    const result = bytePairMerge(word, ranks);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, result);
    return result;
  };

  const tokens = (text: string): string[] => {
    const out: string[] = [];
    for (const match of cleanText(text).matchAll(WORD_PATTERN)) out.push(...bpeWord(toByteSymbols(match[0])));
    return out;
  };

  const encode = (text: string): Int32Array => {
    const ids = new Int32Array(maxLength).fill(padId);
    const pieces = tokens(text);
    const n = Math.min(pieces.length, maxLength - 2);
    ids[0] = bosId;
    for (let i = 0; i < n; i++) ids[i + 1] = vocab[pieces[i]] ?? unkId;
    ids[n + 1] = eosId;
    return ids;
  };

  return { encode, tokens, bosId, eosId, padId, maxLength };
}

/**
 * OpenAI's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 bytes to
 * U+0100 onwards in byte order, so every UTF-8 byte is one visible, non-space character.
 */
const BYTE_TO_SYMBOL: readonly string[] = (() => {
  const table = new Array<string>(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + next++);
  }
  return table;
})();

const UTF8 = new TextEncoder();

function toByteSymbols(word: string): string {
  let s = '';
  for (const b of UTF8.encode(word)) s += BYTE_TO_SYMBOL[b];
  return s;
}

/** BPE on one pre-token: its symbols, the last marked `</w>`, merged pair by pair in rank order. */
function bytePairMerge(word: string, ranks: Map<string, number>): string[] {
  if (word === BOS || word === EOS) return [word];
  const chars = Array.from(word);
  let symbols = chars.map((c, i) => (i === chars.length - 1 ? c + END_OF_WORD : c));
  while (symbols.length > 1) {
    let best = -1, bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(symbols[i] + ' ' + symbols[i + 1]);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) break;
    const first = symbols[best], second = symbols[best + 1];
    const merged: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === first && symbols[i + 1] === second) {
        merged.push(first + second);
        i++;
      } else merged.push(symbols[i]);
    }
    symbols = merged;
  }
  return symbols;
}

const CURLY_SINGLE = /[\u02bc\u2018-\u201b]/g;
const CURLY_DOUBLE = /[\u201c-\u201f]/g;
// ftfy's remove_control_chars, the common part: C0 controls other than whitespace, DEL, BOM,
// the deprecated format characters and interlinear annotation marks.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u206a-\u206f\ufeff\ufff9-\ufffb]/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;

/** The clean-up OpenAI CLIP applies before splitting (see the file comment for what is covered). */
export function cleanText(text: string): string {
  let s = text.normalize('NFC').replace(CURLY_SINGLE, "'").replace(CURLY_DOUBLE, '"');
  s = unescapeHtml(unescapeHtml(s)).replace(CONTROL_CHARS, '');
  return s.replace(/\s+/gu, ' ').trim().toLowerCase();
}

function unescapeHtml(s: string): string {
  return s.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED_ENTITIES[name];
    const code = dec !== undefined ? parseInt(dec, 10) : parseInt(hex ?? '', 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd'; // as Python's html.unescape
    return String.fromCodePoint(code);
  });
}

function checkVocab(vocab: Record<string, number>): void {
  const bad = (message: string, details: Record<string, string | number>) =>
    new TesseraError('model-mismatch', `The tokenizer's vocab.json is not a CLIP vocabulary (${message}). Download the model again.`, {
      details: { file: 'vocab.json', ...details },
    });
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw bad('not a token → id object', {});
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || id < 0) throw bad(`token "${token}" has id ${String(id)}`, { token });
  }
  for (const special of [BOS, EOS]) {
    if (!Object.hasOwn(vocab, special)) throw bad(`it has no ${special}`, { missing: special });
  }
}

/** Merge "left right" → rank; every merged token must be in the vocabulary, or the two files do not belong together. */
function parseMerges(text: string, vocab: Record<string, number>): Map<string, number> {
  if (typeof text !== 'string') {
    throw new TesseraError('model-mismatch', "The tokenizer's merges.txt could not be read. Download the model again.", {
      details: { file: 'merges.txt' },
    });
  }
  const ranks = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  let rank = 0;
  for (let i = 0; i < lines.length && rank < MAX_MERGES; i++) {
    const line = lines[i].trim();
    if (line === '' || (i === 0 && line.startsWith('#version'))) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new TesseraError('model-mismatch', `The tokenizer's merges.txt is damaged at line ${i + 1}. Download the model again.`, {
        details: { file: 'merges.txt', line: i + 1, text: line.slice(0, 80) },
      });
    }
    if (!Object.hasOwn(vocab, parts[0] + parts[1])) {
      throw new TesseraError('model-mismatch', "The tokenizer's merges.txt does not match its vocab.json. Download the model again.", {
        details: { file: 'merges.txt', line: i + 1, missing: parts[0] + parts[1], other: 'vocab.json' },
      });
    }
    ranks.set(parts[0] + ' ' + parts[1], rank++); // a repeated pair keeps its last rank, as in the reference dict
  }
  return ranks;
}
