import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers';
import './globals.css';
import './scheduler.css';
import './task-page.css';
import './decks.css';

export const metadata: Metadata = {
  title: 'opkernel',
  description: 'opkernel operator workspace',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#f6f7f9' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
