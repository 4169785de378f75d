package workflow

import "duban/internal/evidence"

// FilesOf hands the stored uploads of a form or an API call to a write
// (refused ones, which have no blob, are left out).
func FilesOf(ups []evidence.Upload) []NewFile {
	var out []NewFile
	for _, u := range ups {
		if u.Blob != nil {
			out = append(out, NewFile{Name: u.Name, ContentType: u.Kind.ContentType, Blob: u.Blob})
		}
	}
	return out
}
