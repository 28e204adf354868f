/** The poster's QR code, drawn here as inline SVG (qrcode): no third-party service ever sees a window's address. */
import QRCode from 'qrcode';

export function windowAddress(publicUrl: string, windowId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/w/${windowId}`;
}

export async function qrCodeSvg(address: string): Promise<string> {
  // Level M and the standard four-module quiet zone: reads from a printed sheet at arm's length.
  const svg = await QRCode.toString(address, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.replace('<svg ', '<svg class="poster-qr" aria-hidden="true" focusable="false" ');
}
