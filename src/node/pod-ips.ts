// Pod addresses of one node from its spec.podCIDR (host-local IPAM as CNI plugins do it):
// .1 is the node's bridge, the rest go round-robin so an address just freed is not handed
// out again at once; an address is held until its pod is gone.
export class PodIPs {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 2;

  constructor(readonly cidr: string) {
    const [ip, bits] = cidr.split('/');
    this.base = ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    this.size = 2 ** (32 - Number(bits));
  }

  private toIp(offset: number): string {
    const n = this.base + offset;
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  }

  contains(ip: string): boolean {
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return n > this.base + 1 && n < this.base + this.size - 1;
  }

  /** Marks `ip` as held (a pod that already had it). */
  reserve(ip: string): boolean {
    if (!this.contains(ip)) return false;
    const offset = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) - this.base;
    if (this.used.has(offset)) return false;
    this.used.add(offset);
    return true;
  }

  /** A free address, or undefined when the range is full. */
  allocate(): string | undefined {
    const usable = this.size - 3; // network, bridge, broadcast
    for (let tried = 0; tried < usable; tried++) {
      const offset = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!this.used.has(offset)) {
        this.used.add(offset);
        return this.toIp(offset);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    this.used.delete(ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) - this.base);
  }

  get inUse(): number {
    return this.used.size;
  }
}
