package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/bulletin"
	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/bulletins"
	"duban/views/paths"
)

// BulletinList lists the published bulletins; the office also sees its
// drafts and the form that starts one.
func (h *Handlers) BulletinList(c echo.Context) error {
	ctx := c.Request().Context()
	a := actor(c)
	rows, err := h.Bulletins.List(ctx, a)
	if err != nil {
		return err
	}
	p := bulletins.ListPage{Rows: rows, Office: a.Role == model.RoleReviewer}
	if p.Office {
		if p.Choices, err = h.Bulletins.Choices(ctx); err != nil {
			return err
		}
	}
	return render.Page(c, http.StatusOK, bulletins.List(p))
}

// DraftBulletin starts a draft on a plan's period (form: period =
// "plan:period") and opens its editor.
func (h *Handlers) DraftBulletin(c echo.Context) error {
	ctx := c.Request().Context()
	planID, periodID, ok := parseChoice(field(c, "period"))
	if !ok {
		return render.Redirect(c, "/bulletins", "error", "bul.err.period")
	}
	id, err := h.Bulletins.Draft(ctx, actor(c), planID, periodID)
	if errors.Is(err, model.ErrNotFound) {
		return render.Redirect(c, "/bulletins", "error", "bul.err.period")
	}
	if err != nil {
		return err
	}
	return render.Redirect(c, paths.Bulletin(id)+"/edit", "ok", "bul.flash.drafted")
}

func parseChoice(s string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, false
	}
	plan, err1 := strconv.ParseInt(a, 10, 64)
	period, err2 := strconv.ParseInt(b, 10, 64)
	return plan, period, err1 == nil && err2 == nil && plan > 0 && period > 0
}

// bulletinPage loads the bulletin of the route for the logged-in user.
func (h *Handlers) bulletinPage(c echo.Context) (*bulletin.Page, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Bulletins.Get(c.Request().Context(), actor(c), id)
}

// Bulletin shows one bulletin.
func (h *Handlers) Bulletin(c echo.Context) error {
	p, err := h.bulletinPage(c)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, bulletins.View(p))
}

// PrintBulletin is the bulletin on A4.
func (h *Handlers) PrintBulletin(c echo.Context) error {
	p, err := h.bulletinPage(c)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, bulletins.Print(p))
}

// BulletinDocx downloads the bulletin as a Word document in the reader's
// language.
func (h *Handlers) BulletinDocx(c echo.Context) error {
	p, err := h.bulletinPage(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := bulletin.WriteDocx(c.Request().Context(), &buf, p); err != nil {
		return err
	}
	name := bulletin.Number(c.Request().Context(), &p.Bulletin) + ".docx"
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf("attachment; filename=\"bulletin-%d.docx\"; filename*=UTF-8''%s", p.Bulletin.ID, url.PathEscape(name)))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", buf.Bytes())
}

// EditBulletinForm is the office's editor of a draft.
func (h *Handlers) EditBulletinForm(c echo.Context) error {
	p, err := h.bulletinPage(c)
	if err != nil {
		return err
	}
	if !p.CanEdit {
		return render.Redirect(c, paths.Bulletin(p.Bulletin.ID), "error", "bul.err.published")
	}
	b := p.Bulletin
	return render.Page(c, http.StatusOK, bulletins.Edit(bulletins.EditPage{Page: p, Form: bulletins.Form{Version: b.Version,
		Title: b.Title, Praise: b.Praise, Criticism: b.Criticism, Requirements: b.Requirements}}))
}

func bulletinForm(c echo.Context) bulletins.Form {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return bulletins.Form{Version: v, Title: c.FormValue("title"), Praise: c.FormValue("praise"),
		Criticism: c.FormValue("criticism"), Requirements: c.FormValue("requirements")}
}

// UpdateBulletin saves a draft's text.
func (h *Handlers) UpdateBulletin(c echo.Context) error {
	return h.writeBulletin(c, false)
}

// PublishBulletin saves the text and publishes the draft.
func (h *Handlers) PublishBulletin(c echo.Context) error {
	return h.writeBulletin(c, true)
}

func (h *Handlers) writeBulletin(c echo.Context, publish bool) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := bulletinForm(c)
	t := bulletin.Text{Title: f.Title, Praise: f.Praise, Criticism: f.Criticism, Requirements: f.Requirements}
	if publish {
		err = h.Bulletins.Publish(ctx, actor(c), id, f.Version, t)
	} else {
		err = h.Bulletins.Update(ctx, actor(c), id, f.Version, t)
	}
	switch {
	case err == nil && publish:
		return render.Redirect(c, paths.Bulletin(id), "ok", "bul.flash.published")
	case err == nil:
		return render.Redirect(c, paths.Bulletin(id)+"/edit", "ok", "bul.flash.saved")
	}
	return h.bulletinRefused(c, id, f, err)
}

// bulletinRefused shows the editor again with what was typed: 422 with
// the field errors, 409 when someone else changed or published it.
func (h *Handlers) bulletinRefused(c echo.Context, id int64, f bulletins.Form, err error) error {
	ep := bulletins.EditPage{Form: f, Errors: validate.FieldsOf(err)}
	status := http.StatusUnprocessableEntity
	switch {
	case len(ep.Errors) > 0:
	case errors.Is(err, bulletin.ErrPublished):
		status, ep.FormError = http.StatusConflict, "bul.err.published"
	case errors.Is(err, model.ErrConflict):
		status, ep.FormError = http.StatusConflict, "bul.err.stale"
	default:
		return err
	}
	p, gerr := h.Bulletins.Get(c.Request().Context(), actor(c), id)
	if gerr != nil {
		return gerr
	}
	ep.Page = p
	return render.Page(c, status, bulletins.Edit(ep))
}

// DeleteBulletin removes a draft.
func (h *Handlers) DeleteBulletin(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, _ := strconv.Atoi(c.FormValue("version"))
	err = h.Bulletins.Delete(c.Request().Context(), actor(c), id, v)
	switch {
	case err == nil:
		return render.Redirect(c, "/bulletins", "ok", "bul.flash.deleted")
	case errors.Is(err, bulletin.ErrPublished):
		return render.Redirect(c, paths.Bulletin(id), "error", "bul.err.published")
	case errors.Is(err, model.ErrConflict):
		return render.Redirect(c, paths.Bulletin(id)+"/edit", "error", "bul.err.stale")
	}
	return err
}
