/** The row each node writes and frees to learn whether the disk has room again (storage.ts). */
export interface StorageProbeTable {
  nodeId: string;
  probedAt: number;
  padding: Uint8Array | null;
}
