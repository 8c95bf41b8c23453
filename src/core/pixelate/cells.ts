/**
 * Integer cell boundaries along one axis: cell c covers pixels [b[c], b[c+1]). Pixel x belongs
 * to cell floor(x·cells/size), the same mapping `expandCells` draws with, so a cell's pixels in
 * the output are exactly the pixels it was computed from.
 */
export function cellBoundaries(size: number, cells: number): Int32Array {
  const b = new Int32Array(cells + 1);
  for (let c = 0; c <= cells; c++) b[c] = Math.floor((c * size + cells - 1) / cells);
  return b;
}

/** For each pixel along an axis, the cell it belongs to. */
export function cellOfPixel(size: number, cells: number): Int32Array {
  const out = new Int32Array(size);
  for (let x = 0; x < size; x++) out[x] = Math.floor((x * cells) / size);
  return out;
}
