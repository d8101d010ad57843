import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, inclusionProof, leafHash, MerkleFrontier, rootOf, verifyInclusion } from './merkle';

// The leaves and roots used by the Certificate Transparency reference implementation's tests.
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('Merkle tree (RFC 6962)', () => {
  const leaves = CT_LEAVES.map((h) => leafHash(Buffer.from(h, 'hex')));

  it('reproduces the reference roots for trees of 1 to 8 leaves', () => {
    expect(rootOf([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    for (let n = 1; n <= 8; n++) expect(rootOf(leaves.slice(0, n)).toString('hex')).toBe(CT_ROOTS[n - 1]);
  });

  it('the frontier matches the recursive definition at every size and survives a restore', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 70 }), (datas) => {
        const hashes = datas.map((d) => leafHash(d));
        let frontier = MerkleFrontier.empty();
        expect(frontier.root().equals(EMPTY_ROOT)).toBe(true);
        hashes.forEach((h, i) => {
          frontier.append(h);
          expect(frontier.root().equals(rootOf(hashes.slice(0, i + 1)))).toBe(true);
          frontier = MerkleFrontier.restore(frontier.treeSize, frontier.toHex());
        });
      }),
    );
  });

  it('inclusion proofs verify for every leaf and fail for a wrong leaf, index or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, pick) => {
        const hashes = Array.from({ length: n }, (_, i) => leafHash(`leaf ${i}`));
        const root = rootOf(hashes);
        const index = pick % n;
        const proof = inclusionProof(hashes, index);
        expect(verifyInclusion(hashes[index]!, index, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash('other'), index, n, proof, root)).toBe(false);
        expect(verifyInclusion(hashes[index]!, index, n, proof, leafHash('x'))).toBe(false);
        if (n > 1) expect(verifyInclusion(hashes[index]!, (index + 1) % n, n, proof, root)).toBe(false);
      }),
    );
  });

  it('hashes a string leaf as its UTF-8 bytes after the 0x00 prefix, as any SHA-256 does', () => {
    for (const text of ['', '{"a":1}', 'Zoë \u0000 名前 \ud83d\ude00']) {
      const independent = createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(text, 'utf8')]))
        .digest();
      expect(leafHash(text).equals(independent)).toBe(true);
      expect(leafHash(Buffer.from(text, 'utf8')).equals(independent)).toBe(true);
    }
  });

  it('refuses a frontier whose hash count does not fit its size', () => {
    expect(() => MerkleFrontier.restore(3, ['00'])).toThrow(/needs 2 hashes/);
  });
});
