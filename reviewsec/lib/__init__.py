"""Small helpers shared by the apps; they import no app of ours."""
