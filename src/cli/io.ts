import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TesseraError } from '../core/errors.js';

/** Where the CLI talks: injected so tests can run commands in-process and read what they said. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: swatches and live progress are shown only then. */
  readonly interactive: boolean;
  /** Shows one transient status line (replaced by the next, cleared by any other output). */
  readonly progress?: (text: string) => void;
}

/** Read a whole input file, with a typed error that names the path and says what is wrong. */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) throw new TesseraError('invalid-input', `${file} is a folder, not a file.`);
    return new Uint8Array(await fs.readFile(file));
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw fileError(e, file, 'read');
  }
}

/**
 * Write `bytes` to `file` all or nothing: into a temporary file beside it, then renamed over the
 * target, so a failed or interrupted run never leaves a half-written output behind. Missing
 * folders on the way are created, as batch jobs writing into `out/…` expect.
 */
export async function writeOutputFile(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isDirectory()) throw new TesseraError('io', `Cannot write ${file}: it is a folder.`);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(temp, bytes, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (e) {
    // The temp file may never have been created (e.g. the folder is a file); what the user needs
    // is the write error itself, so a failed clean-up must not replace it.
    await fs.rm(temp, { force: true }).catch(() => undefined);
    if (e instanceof TesseraError) throw e;
    throw fileError(e, file, 'write');
  }
}

function fileError(e: unknown, file: string, action: 'read' | 'write'): TesseraError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOENT' ? (action === 'read' ? 'no such file' : 'its folder does not exist') :
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
    code === 'ENOSPC' ? 'the disk is full' :
    code === 'EROFS' ? 'the file system is read-only' :
    code === 'EISDIR' ? 'it is a folder' :
    code === 'ENOTDIR' ? 'part of the path is a file, not a folder' :
    (e as Error)?.message ?? String(e);
  return new TesseraError(action === 'read' && code === 'ENOENT' ? 'invalid-input' : 'io', `Cannot ${action} ${file}: ${reason}.`, {
    details: { path: file, code: code ?? null },
    cause: e,
  });
}
