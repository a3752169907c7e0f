import type { Metadata } from "next";
import { ProfilePage } from "@/client/profile/components/profile-page";

export const metadata: Metadata = { title: "Profile" };

export default function Profile() {
  return <ProfilePage />;
}
