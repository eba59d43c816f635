import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { userIdParams } from "@/lib/schemas/auth";
import { resetPassword } from "@/lib/auth/users";

// A new one-time password, answered once; the user's sessions end and they must change it at sign-in.
export const POST = route({ role: "admin", params: userIdParams }, async ({ params, actor }) => resetPassword({ db: db(), actor, id: params.id }));
