package stateset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
	"time"
)

// Written by hand beside the generated resources: an upload is multipart/form-data,
// streamed through an io.Pipe as it is read, and a file's contents are bytes, not JSON.

// FileCreateParams is the form of client.Files.Create (POST /v1/files).
type FileCreateParams struct {
	Params

	// File is read as it is sent (never whole into memory). When it is also an
	// io.Seeker (an *os.File, a *bytes.Reader) a failed attempt is retried from where it
	// started, with the same Idempotency-Key; otherwise it is sent once, and a failure
	// mid-way is a *ConnectionError rather than half a file sent again.
	File io.Reader
	// Filename is the file's name (default: the *os.File's, else "upload").
	Filename string
	// Purpose is "bulk_input" (the default).
	Purpose *string
}

// File is an uploaded file (kept 7 days): its size and sha256 as the server computed them.
type File struct {
	APIResource

	ID        string    `json:"id"`
	Object    string    `json:"object"`
	Purpose   string    `json:"purpose"`
	Filename  string    `json:"filename"`
	Size      int64     `json:"size"`
	Sha256    string    `json:"sha256"`
	Created   time.Time `json:"created"`
	ExpiresAt time.Time `json:"expires_at"`
	Livemode  bool      `json:"livemode"`
}

// FilesService is client.Files: /v1/files.
type FilesService struct {
	client *Client
}

type named interface{ Name() string }

// Create uploads a file of up to 100 MB, streamed: POST /v1/files.
func (s *FilesService) Create(ctx context.Context, params *FileCreateParams) (*File, error) {
	if params == nil || params.File == nil {
		return nil, errors.New("stateset: Files.Create needs params.File (an io.Reader)")
	}
	r, err := s.client.prepare("POST", "/v1/files", nil, nil, &params.Params)
	if err != nil {
		return nil, err
	}
	purpose := "bulk_input"
	if params.Purpose != nil {
		purpose = *params.Purpose
	}
	filename := params.Filename
	if f, ok := params.File.(named); ok && filename == "" {
		filename = baseName(f.Name())
	}
	if filename == "" {
		filename = "upload"
	}
	form := &multipartForm{source: params.File, purpose: purpose, filename: filename}
	if seeker, ok := params.File.(io.Seeker); ok {
		if form.start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			return nil, fmt.Errorf("stateset: cannot tell where params.File starts: %w", err)
		}
		form.seeker = seeker
	} else {
		r.maxRetries = 0
	}
	form.boundary = multipart.NewWriter(io.Discard).Boundary()
	r.body = nil
	r.upload = form.open
	r.header.Set("Content-Type", "multipart/form-data; boundary="+form.boundary)
	defer form.stop()
	answer, err := s.client.send(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &File{}
	if err := decode(answer, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Retrieve returns one file: GET /v1/files/{id}.
func (s *FilesService) Retrieve(ctx context.Context, id string, params *Params) (*File, error) {
	out := &File{}
	if err := s.client.call(ctx, "GET", "/v1/files/{id}", []string{id}, params, nil, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Contents returns the file's bytes as they arrive, never whole in memory: GET
// /v1/files/{id}/contents. The caller reads and closes it (closing ends the request).
// The request is retried as any GET until its answer comes; then the client's timeout
// bounds each Read, not the whole body, and a body cut or stalled mid-way is a
// *ConnectionError with Cut and Received (the bytes that had arrived), never retried.
func (s *FilesService) Contents(ctx context.Context, id string, params *Params) (io.ReadCloser, error) {
	path, err := expand("/v1/files/{id}/contents", []string{id})
	if err != nil {
		return nil, err
	}
	r, err := s.client.prepare("GET", path, nil, nil, params)
	if err != nil {
		return nil, err
	}
	r.stream = true
	_, body, err := s.client.sendStream(ctx, r)
	if err != nil {
		return nil, err
	}
	return body, nil
}

// multipartForm writes one attempt's form into a pipe as the request reads it.
type multipartForm struct {
	source   io.Reader
	seeker   io.Seeker
	start    int64
	purpose  string
	filename string
	boundary string
	// The attempt in flight: its pipe, and closed when its writer is done with source.
	reader *io.PipeReader
	done   chan struct{}
}

// open is the body of a new attempt; the previous attempt's writer is stopped first, so
// only one ever reads source, and a seekable source is read again from its start.
func (f *multipartForm) open() (io.Reader, error) {
	f.stop()
	if f.seeker != nil {
		if _, err := f.seeker.Seek(f.start, io.SeekStart); err != nil {
			return nil, err
		}
	}
	reader, writer := io.Pipe()
	done := make(chan struct{})
	f.reader, f.done = reader, done
	go func() {
		defer close(done)
		writer.CloseWithError(f.write(writer))
	}()
	return reader, nil
}

func (f *multipartForm) write(w io.Writer) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(f.boundary); err != nil {
		return err
	}
	if err := mw.WriteField("purpose", f.purpose); err != nil {
		return err
	}
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", `form-data; name="file"; filename="`+quoteEscaper.Replace(f.filename)+`"`)
	header.Set("Content-Type", "application/octet-stream")
	part, err := mw.CreatePart(header)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, f.source); err != nil {
		return err
	}
	return mw.Close()
}

// stop ends the attempt in flight's writer and waits for it.
func (f *multipartForm) stop() {
	if f.reader != nil {
		f.reader.CloseWithError(errors.New("stateset: the upload's attempt is over"))
		<-f.done
		f.reader = nil
	}
}

// quoteEscaper escapes a filename inside a quoted header parameter, as mime/multipart does.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			return path[i+1:]
		}
	}
	return path
}
