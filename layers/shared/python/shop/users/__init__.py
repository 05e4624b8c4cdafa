"""Users: sign-up and sign-in through Cognito, and the profile (name, phone, addresses) in UsersTable."""
