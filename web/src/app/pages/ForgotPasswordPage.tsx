import { AuthCard } from '../../components/AuthCard';
import { ForgotPasswordForm } from '../../features/auth/components/ForgotPasswordForm';

export function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter the email you sign in with. We’ll send you a link to choose a new password."
    >
      <ForgotPasswordForm />
    </AuthCard>
  );
}
