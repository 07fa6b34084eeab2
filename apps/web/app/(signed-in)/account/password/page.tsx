'use client';
import { AccountPasswordView } from '../../../../components/views/account-password-view';

export default function AccountPasswordPage() {
  return <AccountPasswordView />;
}
