// The Folders tab: folders Hoist watches and uploads from, their status, and adding one (the native
// picker in the desktop app, a path field in the browser, which cannot see this computer's folders).
import { useFolders } from '../../app/hooks.js';
import { AddFolder } from './AddFolder.js';
import { FolderItem, foldersHeadingId } from './FolderItem.js';
import { NotMirroredNote } from './NotMirroredNote.js';

export function FoldersView() {
  const folders = useFolders();
  return (
    <div className="folders">
      <AddFolder />
      <NotMirroredNote />
      <h2 className="section-title" id={foldersHeadingId} tabIndex={-1}>
        Watched folders
      </h2>
      {folders.length === 0 ? (
        <div className="empty">
          <p>No folders yet.</p>
          <p className="muted">Add a folder and Hoist uploads what is in it now and whatever you put there later.</p>
        </div>
      ) : (
        <ul className="folder-list" aria-labelledby={foldersHeadingId}>
          {folders.map((folder) => (
            <FolderItem key={folder.id} folder={folder} />
          ))}
        </ul>
      )}
    </div>
  );
}
