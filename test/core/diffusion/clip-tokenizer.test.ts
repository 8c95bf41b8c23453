import { describe, expect, it } from 'vitest';
import { cleanText, createClipTokenizer } from '../../../src/core/diffusion/clip-tokenizer.js';
import { TesseraError } from '../../../src/core/errors.js';

/**
 * A tiny vocabulary built the way OpenAI CLIP builds its own: the 256 byte symbols in
 * bytes_to_unicode order (ids 0..255), the same with `</w>` (256..511), one token per merge in
 * rank order (512…), then <|startoftext|> and <|endoftext|>. Byte ids therefore match the real
 * CLIP vocabulary ("!" = 0, "a" = 64, "a</w>" = 320). Expected tokenisations were cross-checked
 * against a Python transcription of simple_tokenizer.py (without ftfy).
 */
const MERGES = [
  'c a', //        512 ca
  'o f</w>', //    513 of</w>
  't o</w>', //    514 to</w>
  'p h', //        515 ph
  'h o', //        516 ho: ranks below "p h", so "photo" never forms it
  'ph o', //       517 pho
  'pho to</w>', // 518 photo</w>
  'ca t</w>', //   519 cat</w>
  'ca t', //       520 cat
  'cat s</w>', //  521 cats</w>
  't h', //        522 th
  'th e</w>', //   523 the</w>
  '! !</w>', //    524 !!</w>
  "' s</w>", //    525 's</w>
  'ca f', //       526 caf
  'a a', //        527 aa
];
const BOS = 528, EOS = 529;

function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let b = 0; b < 256; b++) if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) printable.push(b);
  const symbols = printable.map((b) => String.fromCharCode(b));
  let n = 0;
  for (let b = 0; b < 256; b++) if (!printable.includes(b)) symbols.push(String.fromCharCode(256 + n++));
  return symbols;
}

function clipStyleVocab(merges: readonly string[]): Record<string, number> {
  const tokens = byteSymbols();
  tokens.push(...tokens.map((s) => s + '</w>'));
  tokens.push(...merges.map((m) => m.replace(' ', '')), '<|startoftext|>', '<|endoftext|>');
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

const mergesText = '#version: 0.2\n' + MERGES.join('\n') + '\n';
const tokenizer = createClipTokenizer({ vocab: clipStyleVocab(MERGES), merges: mergesText });
/** The ids between BOS and EOS (for texts shorter than 76 tokens). */
const ids = (text: string) => {
  const all = Array.from(tokenizer.encode(text));
  const n = tokenizer.tokens(text).length;
  expect([all[0], all[n + 1]]).toEqual([BOS, EOS]);
  return all.slice(1, n + 1);
};

describe('createClipTokenizer: BPE on a CLIP-style vocabulary', () => {
  it('finds BOS and EOS and pads with EOS by default to 77', () => {
    expect([tokenizer.bosId, tokenizer.eosId, tokenizer.padId, tokenizer.maxLength]).toEqual([BOS, EOS, EOS, 77]);
    const out = tokenizer.encode('a photo of a cat');
    expect(out).toBeInstanceOf(Int32Array);
    expect(out.length).toBe(77);
    expect(Array.from(out.slice(0, 8))).toEqual([BOS, 320, 518, 513, 320, 519, EOS, EOS]);
    expect(out.slice(6).every((v) => v === EOS)).toBe(true);
  });

  const cases: [string, string[], number[]][] = [
    ['a photo of a cat', ['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>'], [320, 518, 513, 320, 519]],
    ['photo', ['photo</w>'], [518]], // "t o</w>" (rank 2) merges before "p h" (rank 3); "h o" never forms
    ['hot', ['ho', 't</w>'], [516, 339]],
    ['photos', ['pho', 't', 'o', 's</w>'], [517, 83, 78, 338]],
    ['cats', ['cats</w>'], [521]],
    ['catcat', ['cat', 'cat</w>'], [520, 519]], // the end-of-word form is a different token
    ['the cat', ['the</w>', 'cat</w>'], [523, 519]],
    ['aaaa', ['aa', 'a', 'a</w>'], [527, 64, 320]], // a repeated pair merges left to right, without overlap
    ['2024', ['2</w>', '0</w>', '2</w>', '4</w>'], [273, 271, 273, 275]], // digits one by one
    ['x²', ['x</w>', 'Â', '²</w>'], [343, 126, 366]],
    ['cat, dog!!', ['cat</w>', ',</w>', 'd', 'o', 'g</w>', '!!</w>'], [519, 267, 67, 78, 326, 524]],
    ['ah!!!', ['a', 'h</w>', '!', '!!</w>'], [64, 327, 0, 524]],
    ["it's", ['i', 't</w>', "'s</w>"], [72, 339, 525]],
    ["we're", ['w', 'e</w>', "'", 'r', 'e</w>'], [86, 324, 6, 81, 324]], // "'re" is split, then BPE'd
    ['café', ['caf', 'Ã', '©</w>'], [526, 127, 358]], // é is two UTF-8 bytes, each a byte symbol
    ['日本', ['æ', 'Ĺ', '¥', 'æ', 'ľ', '¬</w>'], [162, 245, 98, 162, 250, 361]],
    ['🙂', ['ð', 'Ł', 'Ļ', 'Ĥ</w>'], [172, 253, 247, 480]],
    ['a <|endoftext|> cat', ['a</w>', '<|endoftext|>', 'cat</w>'], [320, EOS, 519]],
  ];
  it.each(cases)('%s', (text, tokens, expectedIds) => {
    expect(tokenizer.tokens(text)).toEqual(tokens);
    expect(ids(text)).toEqual(expectedIds);
  });

  it('folds case and collapses whitespace', () => {
    expect(tokenizer.tokens('  A\tPHOTO\n\n of   a CAT ')).toEqual(tokenizer.tokens('a photo of a cat'));
    expect(tokenizer.tokens("IT'S")).toEqual(tokenizer.tokens("it's"));
    expect(Array.from(tokenizer.encode('   '))).toEqual([BOS, EOS, ...new Array(75).fill(EOS)]);
  });

  it('cleans text as ftfy + html.unescape would for typed prompts', () => {
    expect(cleanText('cafe\u0301')).toBe('café'); // NFC
    expect(cleanText('It\u2019s \u201cRock &amp; Roll\u201d')).toBe('it\'s "rock & roll"');
    expect(cleanText('&amp;amp; &#65;&#x42; a\u0000b\ufeff')).toBe('& ab ab');
    expect(tokenizer.tokens('it\u2019s')).toEqual(tokenizer.tokens("it's"));
  });

  it('truncates to maxLength keeping EOS last, and pads with the given pad id', () => {
    const long = tokenizer.encode('a '.repeat(100));
    expect(long.length).toBe(77);
    expect([long[0], long[1], long[75], long[76]]).toEqual([BOS, 320, 320, EOS]);
    const short = createClipTokenizer({ vocab: clipStyleVocab(MERGES), merges: mergesText, padId: 0, maxLength: 8 });
    expect(Array.from(short.encode('a cat'))).toEqual([BOS, 320, 519, EOS, 0, 0, 0, 0]);
    expect(Array.from(short.encode('a a a a a a a a'))).toEqual([BOS, 320, 320, 320, 320, 320, 320, EOS]);
  });

  it('is stable across calls (the BPE cache returns the same result)', () => {
    expect(Array.from(tokenizer.encode('photo cats'))).toEqual(Array.from(tokenizer.encode('photo cats')));
  });

  it('maps a piece missing from the vocabulary to <|endoftext|>, as Hugging Face does', () => {
    const vocab = clipStyleVocab(MERGES);
    delete vocab['©</w>'];
    const t = createClipTokenizer({ vocab, merges: mergesText });
    expect(Array.from(t.encode('café').slice(0, 5))).toEqual([BOS, 526, 127, EOS, EOS]);
  });
});

describe('createClipTokenizer: a CLIP ViT-L/14-like vocabulary', () => {
  // The real ids of these words in openai/clip-vit-large-patch14; intermediate merges get made-up ids.
  const vocab: Record<string, number> = {
    'a</w>': 320, 'photo</w>': 1125, 'of</w>': 539, 'cat</w>': 2368,
    '<|startoftext|>': 49406, '<|endoftext|>': 49407,
    ph: 60000, pho: 60001, 'to</w>': 60002, ca: 60003,
  };
  const merges = '#version: 0.2\nt o</w>\np h\nph o\npho to</w>\no f</w>\nc a\nca t</w>\n';

  it('encodes "a photo of a cat" like the real tokenizer', () => {
    const t = createClipTokenizer({ vocab, merges });
    expect(t.tokens('A photo of a cat')).toEqual(['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>']);
    const out = Array.from(t.encode('A photo of a cat'));
    expect(out.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(out.slice(7)).toEqual(new Array(70).fill(49407));
    expect(Array.from(createClipTokenizer({ vocab, merges, padId: 0 }).encode('a cat').slice(0, 5))).toEqual([49406, 320, 2368, 49407, 0]);
  });
});

describe('createClipTokenizer: broken files', () => {
  const codeAndFile = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(TesseraError);
      return [(e as TesseraError).code, (e as TesseraError).details?.file];
    }
    return null;
  };
  const vocab = clipStyleVocab(MERGES);

  it('names vocab.json when the vocabulary is unusable', () => {
    const { '<|endoftext|>': _, ...noEos } = vocab;
    expect(codeAndFile(() => createClipTokenizer({ vocab: noEos, merges: mergesText }))).toEqual(['model-mismatch', 'vocab.json']);
    expect(codeAndFile(() => createClipTokenizer({ vocab: { ...vocab, x: 1.5 }, merges: mergesText }))).toEqual(['model-mismatch', 'vocab.json']);
    const notObject = [1, 2] as unknown as Record<string, number>;
    expect(codeAndFile(() => createClipTokenizer({ vocab: notObject, merges: mergesText }))).toEqual(['model-mismatch', 'vocab.json']);
  });

  it('names merges.txt for a damaged line or a merge the vocabulary lacks', () => {
    expect(codeAndFile(() => createClipTokenizer({ vocab, merges: '#version: 0.2\nc a\nt o o\n' }))).toEqual(['model-mismatch', 'merges.txt']);
    expect(codeAndFile(() => createClipTokenizer({ vocab, merges: 'c a\nz q\n' }))).toEqual(['model-mismatch', 'merges.txt']);
    expect(codeAndFile(() => createClipTokenizer({ vocab, merges: 42 as unknown as string }))).toEqual(['model-mismatch', 'merges.txt']);
  });

  it('accepts CRLF line endings and a file without the #version line', () => {
    const t = createClipTokenizer({ vocab, merges: MERGES.join('\r\n') });
    expect(ids('a photo of a cat')).toEqual(Array.from(t.encode('a photo of a cat').slice(1, 6)));
  });
});
