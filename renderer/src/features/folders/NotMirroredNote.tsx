// Hoist can only write: this note says what that means for deletions and renames.
export function NotMirroredNote() {
  return (
    <p className="note" role="note">
      Hoist only adds files. Deleting or renaming a file here does not delete or rename it in storage; a renamed file is
      uploaded again under its new name.
    </p>
  );
}
