/**
 * The house's layering, read from the imports of server/: lib/ knows no
 * feature; the shared domain (cases/) knows no screen; the public side
 * (reports/, tracking/) and the staff side (staff/, triage/) never import
 * each other. And the case-action table and its partials agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { caseActionNames } from '../../server/triage/case-actions';

const serverDir = path.join(__dirname, '../../server');
const screens = ['reports', 'tracking', 'staff', 'triage', 'oversight'];
const publicSide = ['reports', 'tracking'];
const staffSide = ['staff', 'triage'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each file's room (its top folder under server/) and the rooms it imports from. */
function importsByFile(): Array<{ file: string; room: string; imported: string[] }> {
  return sourceFiles(serverDir).map((file) => {
    const text = readFileSync(file, 'utf8');
    const imported = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((match) => {
      const target = path.relative(serverDir, path.resolve(path.dirname(file), match[1]));
      return target.includes(path.sep) ? target.split(path.sep)[0] : '(top)';
    });
    const relative = path.relative(serverDir, file);
    return { file: relative, room: relative.includes(path.sep) ? relative.split(path.sep)[0] : '(top)', imported: [...new Set(imported)] };
  });
}

function crossings(from: string[], to: string[]): string[] {
  return importsByFile().flatMap(({ file, room, imported }) =>
    from.includes(room) ? imported.filter((target) => to.includes(target) && target !== room).map((target) => `${file} → ${target}/`) : [],
  );
}

describe('layering', () => {
  it('when lib/ imports anything, then it is lib/ itself (it knows no feature)', () => {
    const features = [...new Set(importsByFile().map(({ room }) => room))].filter((room) => room !== 'lib' && room !== '(top)' && room !== 'locales');
    expect(crossings(['lib'], features)).toEqual([]);
  });

  it('when the shared domain (cases/) imports, then never from a screen folder', () => {
    expect(crossings(['cases'], screens)).toEqual([]);
  });

  it('when the public side and the staff side import, then never from each other', () => {
    expect([...crossings(publicSide, staffSide), ...crossings(staffSide, publicSide)]).toEqual([]);
  });

  it('when the crossing rules are read, then they would see an import if one were there (the scan finds the imports that do exist)', () => {
    expect(crossings(['triage'], ['cases']).length).toBeGreaterThan(0);
    expect(crossings(['reports'], ['cases']).length).toBeGreaterThan(0);
  });

  it('when the case page offers an action, then the action has its partial, and every partial is an action', () => {
    const partials = readdirSync(path.join(__dirname, '../../views/partials/case-actions')).map((name) => name.replace(/\.hbs$/, ''));
    expect([...partials].sort()).toEqual([...caseActionNames].sort());
  });
});
