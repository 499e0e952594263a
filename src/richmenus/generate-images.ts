import { writeFileSync } from 'node:fs';
import { createI18n } from '../i18n';
import { imagePath } from './definitions';
import { MENU_LAYOUTS } from './layouts';
import { renderMenuImage } from './render-image';

/**
 * Dev tool: `npx tsx src/richmenus/generate-images.ts` redraws src/richmenus/images/*.png after a
 * change of layout or labels. Commit the result; the deploy only reads the committed files.
 */
async function main() {
  const i18n = createI18n('th');
  const labels = { primary: i18n.getFixedT('th'), secondary: i18n.getFixedT('en') };
  for (const layout of MENU_LAYOUTS) {
    const png = renderMenuImage(layout, labels);
    writeFileSync(imagePath(layout.key), png);
    process.stdout.write(`${imagePath(layout.key)}: ${png.length} bytes\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
